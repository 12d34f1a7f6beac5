// Builds the renderer once before the end-to-end tests.
import { buildRenderer } from './support/build-renderer';

export default async function setup(): Promise<void> {
  await buildRenderer();
}
