// Modules that run on Android intrusion logs (`check-intrusion-logs`), MVT's three intrusion-log modules.

import type { ArtifactModule } from "../../module.js";
import { connectEvent } from "./connect-event.js";
import { dnsEvent } from "./dns-event.js";
import { securityEvent } from "./security-event.js";

export { connectEvent, dnsEvent, securityEvent };

export const INTRUSION_LOG_MODULES: ArtifactModule<any>[] = [dnsEvent, connectEvent, securityEvent];
