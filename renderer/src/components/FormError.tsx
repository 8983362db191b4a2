/** What went wrong with the form or job just above, announced to screen readers; nothing when all is well. */
export function FormError({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
