import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { AuthPage } from '@/components/auth/AuthPage';
import { currentViewer } from '@/lib/server/viewer';

export const metadata: Metadata = { title: 'Sign in' };

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SignInPage({ searchParams }: Props) {
  if (await currentViewer()) redirect('/');
  const { notice } = await searchParams;
  return (
    <AuthPage>
      {notice === 'account-deleted' && (
        <p className="success" role="status">
          Your account was deleted and you were signed out everywhere.
        </p>
      )}
      <AuthForm mode="signin" />
    </AuthPage>
  );
}
