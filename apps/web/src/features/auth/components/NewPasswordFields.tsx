import { PasswordInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A new password typed twice: the two values and whether they were found to differ. */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  return {
    password,
    confirm,
    mismatch,
    setPassword,
    setConfirm,
    /** Whether both typings agree; flags the second field when they do not. */
    confirmed: () => {
      setMismatch(password !== confirm);
      return password === confirm;
    },
    clear: () => {
      setPassword('');
      setConfirm('');
      setMismatch(false);
    },
  };
}

/** The new password and its confirmation, as two fields of a form. */
export function NewPasswordFields({
  state,
  label,
  error,
  testIds,
}: {
  state: ReturnType<typeof useNewPassword>;
  label: string;
  error: string | undefined;
  testIds: { password: string; confirm: string };
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordInput
        label={label}
        autoComplete="new-password"
        value={state.password}
        onChange={(e) => state.setPassword(e.currentTarget.value)}
        required
        error={error}
        data-testid={testIds.password}
      />
      <PasswordInput
        label={t('user.confirmPassword')}
        autoComplete="new-password"
        value={state.confirm}
        onChange={(e) => state.setConfirm(e.currentTarget.value)}
        required
        error={state.mismatch ? t('user.passwordsDiffer') : undefined}
        data-testid={testIds.confirm}
      />
    </>
  );
}
