import { Anchor, type AnchorProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { IsoDate } from '../api/types';
import { useAsOf } from './as-of';

interface AppLinkProps extends AnchorProps {
  to: string;
  /** Open the target as of this date instead of the current one. */
  asOf?: IsoDate;
  children: ReactNode;
  'data-testid'?: string;
}

/** A link inside the app that keeps the "as of" date. */
export function AppLink({ to, asOf, children, ...rest }: AppLinkProps) {
  const { withAsOf } = useAsOf();
  return (
    <Anchor component={Link} to={withAsOf(to, asOf)} {...rest}>
      {children}
    </Anchor>
  );
}
