// jest setupFilesAfterEnv: the package's process warnings are captured per test (see warnings.ts).
import { installWarningGuard } from './warnings.js';

installWarningGuard();
