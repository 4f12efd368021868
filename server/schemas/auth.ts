import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password.js';

/** A path inside this app to return to after sign-in: never another host. */
export const localPath = z
  .string()
  .max(500)
  .refine((p) => p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\'), 'validation.localPath');

export const signInForm = z.object({
  username: z.string().trim().min(1, 'validation.required').max(64, 'validation.tooLong'),
  password: z.string().min(1, 'validation.required').max(MAX_PASSWORD_LENGTH, 'validation.tooLong'),
  next: localPath.optional().or(z.literal('')),
});

export const signInQuery = z.object({
  next: localPath.optional(),
  expired: z.literal('1').optional(),
});

/** Passwords count characters (code points), not bytes: 12 Chinese characters are 12. */
export const newPassword = z
  .string()
  .refine((p) => [...p].length >= MIN_PASSWORD_LENGTH, 'validation.passwordTooShort')
  .refine((p) => [...p].length <= MAX_PASSWORD_LENGTH, 'validation.tooLong');

export const changePasswordForm = z
  .object({
    currentPassword: z.string().min(1, 'validation.required').max(MAX_PASSWORD_LENGTH, 'validation.tooLong'),
    newPassword,
    confirmPassword: z.string(),
  })
  .refine((f) => f.newPassword === f.confirmPassword, { path: ['confirmPassword'], message: 'validation.passwordsDiffer' })
  .refine((f) => f.newPassword !== f.currentPassword, { path: ['newPassword'], message: 'validation.passwordUnchanged' });

export const languageForm = z.object({
  lang: z.enum(['zh-CN', 'en']),
  back: localPath.optional(),
});
