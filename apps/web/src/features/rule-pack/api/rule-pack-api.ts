import { get } from '../../../api/client';
import type { RulePackDto } from '../../../api/types';

export function fetchRulePack(signal?: AbortSignal): Promise<RulePackDto> {
  return get<RulePackDto>('/api/v1/rule-pack', undefined, signal);
}
