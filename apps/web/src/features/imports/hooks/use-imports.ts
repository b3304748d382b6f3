import type { ImportEntity } from '@rollbook/domain';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { memberKeys } from '../../members/hooks/use-members';
import { unitKeys } from '../../units/hooks/use-units';
import {
  applyTemplate,
  cancelImport,
  createTemplate,
  commitImport,
  getImport,
  type ImportJob,
  listImports,
  listProblems,
  listTemplates,
  validateImport,
} from '../api/imports-api';

export const importKeys = {
  all: ['imports'] as const,
  list: () => ['imports', 'list'] as const,
  detail: (id: number) => ['imports', 'detail', id] as const,
  problems: (id: number) => ['imports', 'problems', id] as const,
  templates: (entity?: ImportEntity) =>
    entity ? (['imports', 'templates', entity] as const) : (['imports', 'templates'] as const),
};

export function useTemplates(entity: ImportEntity) {
  return useQuery({
    queryKey: importKeys.templates(entity),
    queryFn: ({ signal }) => listTemplates(entity, signal),
  });
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: createTemplate,
    onSuccess: () => void client.invalidateQueries({ queryKey: importKeys.templates() }),
  });
}

/** Whether a run is going on: the import is read again every half second until it ends. */
export function isRunning(job: ImportJob | undefined): boolean {
  return job?.status === 'validating' || job?.status === 'committing';
}

export function useImports() {
  return useInfiniteQuery({
    queryKey: importKeys.list(),
    queryFn: ({ pageParam, signal }) => listImports(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useImport(id: number) {
  const client = useQueryClient();
  return useQuery({
    queryKey: importKeys.detail(id),
    queryFn: async ({ signal }) => {
      const job = await getImport(id, signal);
      // A run that ended changes what the problems and the register hold.
      if (!isRunning(job)) {
        void client.invalidateQueries({ queryKey: importKeys.problems(id) });
        if (job.status === 'committed')
          void client.invalidateQueries({ queryKey: job.entity === 'units' ? unitKeys.all : memberKeys.all });
      }
      return job;
    },
    refetchInterval: (query) => (isRunning(query.state.data) ? 500 : false),
  });
}

export function useProblems(id: number, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: importKeys.problems(id),
    queryFn: ({ pageParam, signal }) => listProblems(id, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** Validate, commit or cancel: the answer replaces the import shown, and polling takes over. */
export function useImportAction(id: number) {
  const client = useQueryClient();
  const settle = (job: ImportJob) => {
    client.setQueryData(importKeys.detail(id), job);
    void client.invalidateQueries({ queryKey: importKeys.list() });
  };
  return {
    validate: useMutation({
      mutationFn: (input: { mapping: Record<string, string>; dateOrder: 'dmy' | 'mdy' }) =>
        validateImport(id, input),
      onSuccess: settle,
    }),
    commit: useMutation({ mutationFn: () => commitImport(id), onSuccess: settle }),
    cancel: useMutation({ mutationFn: () => cancelImport(id), onSuccess: settle }),
    applyTemplate: useMutation({
      mutationFn: (templateId: number) => applyTemplate(id, templateId),
      onSuccess: settle,
    }),
  };
}
