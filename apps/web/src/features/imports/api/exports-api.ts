import { buildUrl } from '../../../api/client';
import i18n from '../../../i18n';

/**
 * Links to the unit and event exports: plain links, so the browser streams the file to disk
 * itself, in the reader's language (a link cannot set Accept-Language).
 */

export function unitsExportUrl(query: { unitId?: number; asOf: string; format: 'csv' | 'xlsx' }): string {
  return buildUrl('/api/v1/exports/units', { ...query, lang: i18n.language });
}

export function eventsExportUrl(query: {
  unitId?: number;
  from: string;
  to: string;
  format: 'csv' | 'xlsx';
}): string {
  return buildUrl('/api/v1/exports/events', { ...query, lang: i18n.language });
}
