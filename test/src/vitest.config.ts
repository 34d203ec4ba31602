import { workersProject } from './workers-project.js';

/** The worker's tests on the default build, where the compiled engine serves (./workers-project.ts). */
export default workersProject('compiled');
