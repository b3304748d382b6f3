import { Badge, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';

/** A short state word (active, ended, revoked, planned…) in a light badge, in sentence case. */
export function StatusBadge({
  children,
  ...rest
}: Omit<BadgeProps, 'variant' | 'style'> & { children: ReactNode; 'data-testid'?: string }) {
  return (
    <Badge variant="light" style={{ textTransform: 'none' }} {...rest}>
      {children}
    </Badge>
  );
}
