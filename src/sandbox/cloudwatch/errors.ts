/** An AWS JSON 1.1 error: answered as `{"__type": type, "message": message}` with `X-Amzn-ErrorType: type`. */
export class AwsError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterException', message);

export const groupNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');

export const streamNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

export const alreadyExists = (what: 'log group' | 'log stream'): AwsError =>
  new AwsError('ResourceAlreadyExistsException', `The specified ${what} already exists`);

export const throttled = (): AwsError => new AwsError('ThrottlingException', 'Rate exceeded');

// ServiceUnavailableException is a fault in the service model, so it travels as a 5xx and SDKs retry it.
export const unavailable = (): AwsError =>
  new AwsError('ServiceUnavailableException', 'The service cannot complete the request.', 500);

export const sessionLimit = (): AwsError => new AwsError('LimitExceededException', 'Rate exceeded');

export const accessDenied = (action: string): AwsError =>
  new AwsError('AccessDeniedException', `User is not authorized to perform: ${action}`);
