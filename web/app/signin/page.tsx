import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { AuthPage } from '@/components/auth/AuthPage';
import { currentViewer } from '@/lib/server/viewer';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage() {
  if (await currentViewer()) redirect('/');
  return (
    <AuthPage>
      <AuthForm mode="signin" />
    </AuthPage>
  );
}
