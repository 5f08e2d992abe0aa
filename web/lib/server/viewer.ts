import { ViewerQuery } from '../operations/auth';
import { requestClient } from './api';
import { sessionToken } from './session';

/** The signed-in user according to the API (a cookie alone may hold a revoked token). */
export async function currentViewer() {
  if (!(await sessionToken())) return null;
  const { client } = await requestClient();
  const { data } = await client.query(ViewerQuery, {}).toPromise();
  return data?.me ?? null;
}
