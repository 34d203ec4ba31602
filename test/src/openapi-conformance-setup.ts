/**
 * Setup of every worker test file: the worker the tests import answers only what
 * /openapi.json describes (./openapi-conformance.ts). Wrapping twice is a no-op, so the
 * shared module graph (isolate: false) keeps one wrapper.
 */
import worker from '../../src/index.js';
import { conforming } from './openapi-conformance.js';

conforming(worker);
