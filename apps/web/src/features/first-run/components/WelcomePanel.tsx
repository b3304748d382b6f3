import { Alert, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../api/client';
import { useAccess } from '../../auth/hooks/use-session';
import { useLoadDemo } from '../../units/hooks/use-units';

interface WelcomePanelProps {
  onCreateTop: () => void;
}

/** Shown while the database holds no units: load the demo or start the real tree. */
export function WelcomePanel({ onCreateTop }: WelcomePanelProps) {
  const { t } = useTranslation();
  const demo = useLoadDemo();
  const { can, canEverywhere } = useAccess();
  const mayLoadDemo = can('system.manage');
  const mayCreateTop = canEverywhere('orders.write') && canEverywhere('orders.apply');
  return (
    <Card withBorder padding="xl" maw={720} data-testid="welcome">
      <Stack>
        <Title order={2}>{t('welcome.title')}</Title>
        <Text>{t('welcome.intro')}</Text>
        <List size="sm" spacing={4}>
          {mayLoadDemo && <List.Item>{t('welcome.demoExplained')}</List.Item>}
          {mayCreateTop && <List.Item>{t('welcome.topExplained')}</List.Item>}
        </List>
        {demo.isError && (
          <Alert color="red" role="alert">
            {errorMessage(demo.error)}
          </Alert>
        )}
        <Group>
          {mayLoadDemo && (
            <Button onClick={() => demo.mutate()} loading={demo.isPending} data-testid="load-demo">
              {t('welcome.loadDemo')}
            </Button>
          )}
          {mayCreateTop && (
            <Button variant="default" onClick={onCreateTop} data-testid="create-top">
              {t('welcome.createTop')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
