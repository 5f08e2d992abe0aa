import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/AuthForm';
import { AuthPage } from '@/components/auth/AuthPage';
import { currentViewer } from '@/lib/server/viewer';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage() {
  if (await currentViewer()) redirect('/');
  return (
    <AuthPage>
      <AuthForm mode="signup" />
    </AuthPage>
  );
}
