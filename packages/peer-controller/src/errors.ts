/**
 * A ControllerApplicationException: the status and message the controller's
 * WebApplicationExceptionMapper turns into `{"code": <status>, "error": <message>}`.
 */
export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Response.Status codes the upload resource uses. */
export const Status = Object.freeze({
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PRECONDITION_FAILED: 412,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_SERVER_ERROR: 500,
});

/** The JSON body of an error answer (SimpleHttpErrorInfo). */
export function errorBody(status: number, message: string): string {
  return JSON.stringify({ code: status, error: message });
}
