import { createBrowserRouter } from 'react-router';
import { OrderEditorPage } from '../features/orders/components/OrderEditorPage';
import { OrdersPage } from '../features/orders/components/OrdersPage';
import { HomePage } from '../features/units/components/HomePage';
import { UnitPage } from '../features/units/components/UnitPage';
import { NotFound } from './NotFound';
import { RouteError } from './RouteError';
import { Shell } from './Shell';

export const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      {
        // A view that fails shows its error inside the shell, so the header still works.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'units/:id', element: <UnitPage /> },
          { path: 'orders', element: <OrdersPage /> },
          { path: 'orders/new', element: <OrderEditorPage /> },
          { path: 'orders/:id', element: <OrderEditorPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);
