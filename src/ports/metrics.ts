export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'failed';

export interface Metrics {
  commandFinished(command: string, outcome: CommandOutcome): void;
}
