/** An error the user can fix (bad input, unknown name); printed without a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}
