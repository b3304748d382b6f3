import { NativeSelect, useDirection } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { directionOf, LANGUAGES } from '../i18n';

/** Switches the UI language; Arabic turns the whole page right-to-left. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { setDirection } = useDirection();
  return (
    <NativeSelect
      size="xs"
      aria-label={t('shell.language')}
      data-testid="language"
      value={i18n.language}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
      onChange={(e) => {
        const language = e.currentTarget.value;
        setDirection(directionOf(language));
        void i18n.changeLanguage(language);
      }}
    />
  );
}
