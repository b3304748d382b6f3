import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  IsoDate,
  MemberEventInput,
  MemberListFilter,
  NewMemberInput,
  RecordChangeInput,
} from '../../../api/types';
import {
  changeRecord,
  checkEvent,
  correctEvent,
  createMember,
  getMember,
  getMemberFigures,
  getRecordHistory,
  getWorkList,
  listMemberEvents,
  listMembers,
  recordEvent,
} from '../api/members-api';

/** Query keys: everything about members starts with 'members', so one invalidation refreshes every view after a write. */
export const memberKeys = {
  all: ['members'] as const,
  list: (filter: MemberListFilter, asOf: IsoDate) => ['members', 'list', filter, asOf] as const,
  detail: (id: number, asOf: IsoDate) => ['members', 'detail', id, asOf] as const,
  events: (id: number, includeCorrected: boolean) => ['members', 'events', id, includeCorrected] as const,
  history: (id: number, includeSuperseded: boolean) => ['members', 'history', id, includeSuperseded] as const,
  check: (id: number, input: MemberEventInput | null) => ['members', 'check', id, input] as const,
  figures: (unitId: number, asOf: IsoDate, from?: IsoDate, to?: IsoDate) =>
    ['members', 'figures', unitId, asOf, from ?? null, to ?? null] as const,
  workList: (unit: number | undefined, asOf: IsoDate, horizonDays: number) =>
    ['members', 'work-list', unit ?? null, asOf, horizonDays] as const,
};

const PAGE = 50;

/** Members matching the filter as of a date, a page at a time (the server sorts by name). */
export function useMemberList(filter: MemberListFilter, asOf: IsoDate) {
  return useInfiniteQuery({
    queryKey: memberKeys.list(filter, asOf),
    queryFn: ({ pageParam, signal }) =>
      listMembers({ ...filter, asOf, cursor: pageParam, limit: PAGE }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useMember(id: number, asOf: IsoDate) {
  return useQuery({
    queryKey: memberKeys.detail(id, asOf),
    queryFn: ({ signal }) => getMember(id, asOf, signal),
    enabled: Number.isInteger(id) && id > 0,
    // Another date keeps the member on screen while it loads; another member does not.
    placeholderData: (previous) => (previous?.id === id ? previous : undefined),
  });
}

export function useMemberEvents(id: number, includeCorrected: boolean) {
  return useQuery({
    queryKey: memberKeys.events(id, includeCorrected),
    queryFn: ({ signal }) => listMemberEvents(id, includeCorrected, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRecordHistory(id: number, includeSuperseded: boolean) {
  return useQuery({
    queryKey: memberKeys.history(id, includeSuperseded),
    queryFn: ({ signal }) => getRecordHistory(id, includeSuperseded, signal),
    placeholderData: keepPreviousData,
  });
}

/**
 * The rules an event would break, asked of the server while the user types (the input is already
 * debounced by the form). Null input: nothing to check yet.
 */
export function useEventCheck(id: number, input: MemberEventInput | null) {
  return useQuery({
    queryKey: memberKeys.check(id, input),
    queryFn: ({ signal }) => checkEvent(id, input as MemberEventInput, signal),
    enabled: input !== null,
    retry: false,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
}

export function useMemberFigures(
  unitId: number,
  asOf: IsoDate,
  period: { from: IsoDate; to: IsoDate } | null,
) {
  return useQuery({
    queryKey: memberKeys.figures(unitId, asOf, period?.from, period?.to),
    queryFn: ({ signal }) => getMemberFigures(unitId, { asOf, ...period }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useWorkList(unit: number | undefined, asOf: IsoDate, horizonDays: number) {
  return useQuery({
    queryKey: memberKeys.workList(unit, asOf, horizonDays),
    queryFn: ({ signal }) => getWorkList({ asOf, unit, horizonDays }, signal),
    placeholderData: keepPreviousData,
  });
}

/** After any write every member view may be stale (lists, figures, work lists): read them again. */
function useRefreshMembers() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: memberKeys.all });
}

export function useCreateMember() {
  const refresh = useRefreshMembers();
  return useMutation({ mutationFn: (input: NewMemberInput) => createMember(input), onSuccess: refresh });
}

/** Writes carry the version the user saw (If-Match); a 412 means someone else wrote first. */
export function useRecordEvent(memberId: number) {
  const refresh = useRefreshMembers();
  return useMutation({
    mutationFn: ({ version, input }: { version: number; input: MemberEventInput }) =>
      recordEvent(memberId, version, input),
    onSuccess: refresh,
  });
}

export function useCorrectEvent(memberId: number) {
  const refresh = useRefreshMembers();
  return useMutation({
    mutationFn: (args: {
      version: number;
      eventId: number;
      reason: string;
      replacement: MemberEventInput | null;
    }) =>
      correctEvent(memberId, args.version, args.eventId, {
        reason: args.reason,
        replacement: args.replacement,
      }),
    onSuccess: refresh,
  });
}

export function useChangeRecord(memberId: number) {
  const refresh = useRefreshMembers();
  return useMutation({
    mutationFn: ({ version, change }: { version: number; change: RecordChangeInput }) =>
      changeRecord(memberId, version, change),
    onSuccess: refresh,
  });
}

/** A write refused because the member changed since it was read: reload it so the next try sends the new version. */
export function useReloadMember() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: memberKeys.all });
}
