import { isoTimestamp } from '../common/sql.ts';

/** The SQL expressions of a `UserDto`, over `users` aliased as `u`. */
export const userFields = {
  id: 'u.id',
  email: 'u.email',
  subscriptionStatus: 'u.subscription_status',
  createdAt: isoTimestamp('u.created_at'),
  updatedAt: isoTimestamp('u.updated_at'),
};
