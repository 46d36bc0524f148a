import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

/** Zod schemas of the auth routes' bodies (the wire types live in `@smart-ai-hub/sdk`). */
export const emailSchema = z.email().max(254);
export const passwordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH);
export const tokenSchema = z.string().min(1).max(512);

export const registerBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().max(200).optional(),
});
export const loginBody = z.object({ email: emailSchema, password: passwordSchema });
export const refreshBody = z.object({ refreshToken: tokenSchema });
export const verifyEmailBody = z.object({ token: tokenSchema });
export const forgotPasswordBody = z.object({ email: emailSchema });
export const resetPasswordBody = z.object({ token: tokenSchema, password: passwordSchema });
export const changePasswordBody = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema });
export const updateMeBody = z.object({ name: z.string().max(200).nullable().optional() }).strict();
export const idParams = z.object({ id: z.string().min(1).max(100) });
