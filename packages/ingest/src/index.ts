export { parseJobSpec, renderTemplate, JOB_TYPES, type JobSpec, type JobType, type PushJobSpec } from './job-spec.js';
export { runJob, listInputFiles, loadTable, type RunJobOptions, type JobReport, type JobProgress, type FileOutcome } from './job-runner.js';
