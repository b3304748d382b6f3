import { Text } from '@mantine/core';
import type { IsoDate } from '../../../api/types';
import { AppLink } from '../../../app/AppLink';
import { useUnit } from '../../units/hooks/use-units';

/** A link to a unit known only by its id, named as it stood on the date. */
export function UnitName({ id, asOf, testId }: { id: number; asOf: IsoDate; testId?: string }) {
  const unit = useUnit(id, asOf);
  const shown = unit.data ? (unit.data.unit ?? unit.data.lastKnown) : null;
  if (unit.isError)
    return (
      <Text span size="sm" data-testid={testId}>
        #{id}
      </Text>
    );
  return (
    <AppLink to={`/units/${id}`} size="sm" data-testid={testId}>
      <bdi>{shown ? shown.name : `#${id}`}</bdi>
    </AppLink>
  );
}
