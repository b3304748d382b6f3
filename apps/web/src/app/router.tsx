import { createBrowserRouter } from 'react-router';
import { AccountPage } from '../features/account/components/AccountPage';
import { AuditPage } from '../features/audit/components/AuditPage';
import { RequirePermission } from '../features/auth/components/RequirePermission';
import { RequireSession } from '../features/auth/components/RequireSession';
import { SignInPage } from '../features/auth/components/SignInPage';
import { CardCampaignsPage } from '../features/members/components/CardCampaignsPage';
import { MemberPage } from '../features/members/components/MemberPage';
import { MembersPage } from '../features/members/components/MembersPage';
import { WorkListPage } from '../features/members/components/WorkListPage';
import { ImportPage } from '../features/imports/components/ImportPage';
import { ImportsPage } from '../features/imports/components/ImportsPage';
import { OrderEditorPage } from '../features/orders/components/OrderEditorPage';
import { OrdersPage } from '../features/orders/components/OrdersPage';
import { RolesPage } from '../features/roles/components/RolesPage';
import { HomePage } from '../features/units/components/HomePage';
import { UnitPage } from '../features/units/components/UnitPage';
import { UserPage } from '../features/users/components/UserPage';
import { UsersPage } from '../features/users/components/UsersPage';
import { NotFound } from './NotFound';
import { RouteError } from './RouteError';
import { Shell } from './Shell';

export const router = createBrowserRouter([
  // Signing in (or, on a new installation, creating the first administrator) needs no session.
  { path: 'sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  {
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    children: [
      {
        // A view that fails shows its error inside the shell, so the header still works.
        errorElement: <RouteError />,
        children: [
          {
            index: true,
            element: (
              <RequirePermission permission="units.read">
                <HomePage />
              </RequirePermission>
            ),
          },
          {
            path: 'units/:id',
            element: (
              <RequirePermission permission="units.read">
                <UnitPage />
              </RequirePermission>
            ),
          },
          {
            path: 'members',
            element: (
              <RequirePermission permission="members.read">
                <MembersPage />
              </RequirePermission>
            ),
          },
          {
            path: 'members/:id',
            element: (
              <RequirePermission permission="members.read">
                <MemberPage />
              </RequirePermission>
            ),
          },
          {
            path: 'imports',
            element: (
              <RequirePermission permission="members.write">
                <ImportsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'imports/:id',
            element: (
              <RequirePermission permission="members.write">
                <ImportPage />
              </RequirePermission>
            ),
          },
          {
            path: 'card-campaigns',
            element: (
              <RequirePermission permission="members.read">
                <CardCampaignsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'work-list',
            element: (
              <RequirePermission permission="members.read">
                <WorkListPage />
              </RequirePermission>
            ),
          },
          {
            path: 'orders',
            element: (
              <RequirePermission permission="orders.read">
                <OrdersPage />
              </RequirePermission>
            ),
          },
          {
            path: 'orders/new',
            element: (
              <RequirePermission permission="orders.write">
                <OrderEditorPage />
              </RequirePermission>
            ),
          },
          {
            path: 'orders/:id',
            element: (
              <RequirePermission permission="orders.read">
                <OrderEditorPage />
              </RequirePermission>
            ),
          },
          { path: 'account', element: <AccountPage /> },
          {
            path: 'users',
            element: (
              <RequirePermission permission="users.manage">
                <UsersPage />
              </RequirePermission>
            ),
          },
          {
            path: 'users/:id',
            element: (
              <RequirePermission permission="users.manage">
                <UserPage />
              </RequirePermission>
            ),
          },
          { path: 'roles', element: <RolesPage /> },
          {
            path: 'audit',
            element: (
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            ),
          },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);
