import { Button, Group } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isUsableDate } from '../lib/dates';
import { useAsOf } from './as-of';

/**
 * The "as of" date of every view. A plain date field: the browser writes it in the user's locale,
 * the keyboard works, and the value is committed as soon as it is a whole date.
 */
export function AsOfControl() {
  const { t } = useTranslation();
  const { asOf, isToday, setAsOf } = useAsOf();
  const input = useRef<HTMLInputElement>(null);

  // The field is uncontrolled so that typing is never interrupted; it follows the address when it changes elsewhere.
  useEffect(() => {
    if (input.current && input.current.value !== asOf) input.current.value = asOf;
  }, [asOf]);

  return (
    <Group gap={6} wrap="nowrap">
      <label htmlFor="as-of" className="rb-as-of-label">
        {t('shell.asOf')}
      </label>
      <input
        ref={input}
        id="as-of"
        className="rb-date-input"
        type="date"
        data-testid="as-of"
        defaultValue={asOf}
        onChange={(e) => {
          if (isUsableDate(e.currentTarget.value)) setAsOf(e.currentTarget.value);
        }}
      />
      <Button
        size="xs"
        variant="default"
        onClick={() => setAsOf(null)}
        disabled={isToday}
        data-testid="as-of-today"
      >
        {t('shell.today')}
      </Button>
    </Group>
  );
}
