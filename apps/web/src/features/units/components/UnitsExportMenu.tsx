import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAsOf } from '../../../app/as-of';
import { unitsExportUrl } from '../../imports/api/exports-api';

/** Export the tree shown (a unit's subtree, or every subtree the reader may read) as of the date. */
export function UnitsExportMenu({ unitId }: { unitId?: number }) {
  const { t } = useTranslation();
  const { asOf } = useAsOf();
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button variant="default" size="xs" data-testid="export-units">
          {t('tree.export')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {(['csv', 'xlsx'] as const).map((format) => (
          <Menu.Item
            key={format}
            component="a"
            href={unitsExportUrl({ asOf, format, ...(unitId !== undefined && { unitId }) })}
            download
            data-testid={`export-units-${format}`}
          >
            {t(`members.export_${format}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
