/**
 * Hadoop exceptions as WebHDFS sends them: a RemoteException JSON object and an HTTP status.
 *
 * The status follows Hadoop's own ExceptionHandler (namenode and datanode alike):
 * SecurityException, AuthorizationException and every other IOException -> 403,
 * FileNotFoundException -> 404, IllegalArgumentException and UnsupportedOperationException -> 400,
 * anything else -> 500. (The WebHDFS documentation's table lists SecurityException as 401; the
 * code answers 403, and a 401 only ever comes from the SPNEGO filter, which this peer does not have.)
 */
export class RemoteError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly javaClassName: string,
    message: string,
  ) {
    super(message);
    this.name = exception;
  }

  toJSON(): { RemoteException: { exception: string; javaClassName: string; message: string } } {
    // Hadoop builds this with a TreeMap, so the keys come out sorted.
    return { RemoteException: { exception: this.exception, javaClassName: this.javaClassName, message: this.message } };
  }
}

const make =
  (status: number, javaClassName: string) =>
  (message: string): RemoteError =>
    new RemoteError(status, javaClassName.slice(javaClassName.lastIndexOf('.') + 1).replace(/^.*\$/, ''), javaClassName, message);

export const FileNotFoundException = make(404, 'java.io.FileNotFoundException');
export const IOException = make(403, 'java.io.IOException');
export const EOFException = make(403, 'java.io.EOFException');
export const AccessControlException = make(403, 'org.apache.hadoop.security.AccessControlException');
export const FileAlreadyExistsException = make(403, 'org.apache.hadoop.fs.FileAlreadyExistsException');
export const ParentNotDirectoryException = make(403, 'org.apache.hadoop.fs.ParentNotDirectoryException');
export const PathIsNotEmptyDirectoryException = make(403, 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException');
export const AlreadyBeingCreatedException = make(403, 'org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException');
export const StandbyException = make(403, 'org.apache.hadoop.ipc.StandbyException');
export const SecurityException = make(403, 'java.lang.SecurityException');
export const InvalidToken = make(403, 'org.apache.hadoop.security.token.SecretManager$InvalidToken');
export const IllegalArgumentException = make(400, 'java.lang.IllegalArgumentException');
export const HadoopIllegalArgumentException = make(400, 'org.apache.hadoop.HadoopIllegalArgumentException');
export const InvalidPathException = make(400, 'org.apache.hadoop.fs.InvalidPathException');
export const UnsupportedOperationException = make(400, 'java.lang.UnsupportedOperationException');
export const RuntimeException = make(500, 'java.lang.RuntimeException');

/** What Jersey turns a parameter's parse failure into. */
export function invalidParam(name: string, cause: string): RemoteError {
  return IllegalArgumentException(`Invalid value for webhdfs parameter "${name}": ${cause}`);
}

/** What the namenode's UserProvider turns a failure to establish the caller into. */
export function failedToGetUgi(cause: string): RemoteError {
  return SecurityException(`Failed to obtain user group information: ${cause}`);
}
