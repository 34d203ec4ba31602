import { workersProject } from './workers-project.js';

/** The worker's tests on the build that carries onnxruntime-web, with ENGINE = ort (./workers-project.ts). */
export default workersProject('ort');
