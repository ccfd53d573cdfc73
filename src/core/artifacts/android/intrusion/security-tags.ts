// The security event tags of Android's SecurityLog (android.app.admin.SecurityLog.TAG_*), as the intrusion
// log export names them (the constant's name, lower case, without TAG_). Sources: the SecurityLog reference
// (developer.android.com/reference/android/app/admin/SecurityLog, API levels 24–36) and MVT's intrusion-log
// modules and test export (mvt-project/mvt, src/mvt/android/modules/intrusion_logs/).

export interface SecurityTag {
  /** SecurityLog tag id. */
  id: number;
  /** API level that added it. */
  api: number;
  /** What happened, in a few words. */
  what: string;
}

export const SECURITY_TAGS: Record<string, SecurityTag> = {
  adb_shell_interactive: { id: 210001, api: 24, what: "ADB interactive shell opened" },
  adb_shell_cmd: { id: 210002, api: 24, what: "ADB shell command" },
  adb_sync_recv_file: { id: 210003, api: 24, what: "File pulled from the device over ADB" },
  adb_sync_send_file: { id: 210004, api: 24, what: "File pushed to the device over ADB" },
  app_process_start: { id: 210005, api: 24, what: "App process started" },
  keyguard_dismissed: { id: 210006, api: 24, what: "Lock screen dismissed" },
  keyguard_dismiss_auth_attempt: { id: 210007, api: 24, what: "Unlock attempt" },
  keyguard_secured: { id: 210008, api: 24, what: "Device locked" },
  os_startup: { id: 210009, api: 28, what: "OS started" },
  os_shutdown: { id: 210010, api: 28, what: "OS shut down" },
  logging_started: { id: 210011, api: 28, what: "Audit logging started" },
  logging_stopped: { id: 210012, api: 28, what: "Audit logging stopped" },
  media_mount: { id: 210013, api: 28, what: "Removable media mounted" },
  media_unmount: { id: 210014, api: 28, what: "Removable media unmounted" },
  log_buffer_size_critical: { id: 210015, api: 28, what: "Audit log buffer 90% full" },
  password_expiration_set: { id: 210016, api: 28, what: "Password expiration set by an admin" },
  password_complexity_set: { id: 210017, api: 28, what: "Password complexity set by an admin" },
  password_history_length_set: { id: 210018, api: 28, what: "Password history length set by an admin" },
  max_screen_lock_timeout_set: { id: 210019, api: 28, what: "Maximum screen lock timeout set by an admin" },
  max_password_attempts_set: { id: 210020, api: 28, what: "Maximum failed unlock attempts before wipe set by an admin" },
  keyguard_disabled_features_set: { id: 210021, api: 28, what: "Lock screen features disabled by an admin" },
  remote_lock: { id: 210022, api: 28, what: "Device remotely locked by an admin" },
  wipe_failure: { id: 210023, api: 28, what: "Failed to wipe the device or user data" },
  key_generated: { id: 210024, api: 28, what: "Cryptographic key generated" },
  key_import: { id: 210025, api: 28, what: "Cryptographic key imported" },
  key_destruction: { id: 210026, api: 28, what: "Cryptographic key destroyed" },
  user_restriction_added: { id: 210027, api: 28, what: "User restriction added by an admin" },
  user_restriction_removed: { id: 210028, api: 28, what: "User restriction removed by an admin" },
  cert_authority_installed: { id: 210029, api: 28, what: "Certificate authority installed" },
  cert_authority_removed: { id: 210030, api: 28, what: "Certificate authority removed" },
  crypto_self_test_completed: { id: 210031, api: 28, what: "Cryptographic self test completed" },
  key_integrity_violation: { id: 210032, api: 28, what: "Cryptographic key integrity check failed" },
  cert_validation_failure: { id: 210033, api: 28, what: "X.509 certificate validation failed" },
  camera_policy_set: { id: 210034, api: 30, what: "Camera policy set by an admin" },
  password_complexity_required: { id: 210035, api: 31, what: "Password complexity level required by an admin" },
  password_changed: { id: 210036, api: 33, what: "Lock screen password changed" },
  wifi_connection: { id: 210037, api: 33, what: "Wi-Fi connection" },
  wifi_disconnection: { id: 210038, api: 33, what: "Wi-Fi disconnection" },
  bluetooth_connection: { id: 210039, api: 33, what: "Bluetooth connection" },
  bluetooth_disconnection: { id: 210040, api: 33, what: "Bluetooth disconnection" },
  package_installed: { id: 210041, api: 34, what: "Package installed" },
  package_updated: { id: 210042, api: 34, what: "Package updated" },
  package_uninstalled: { id: 210043, api: 34, what: "Package uninstalled" },
  backup_service_toggled: { id: 210044, api: 35, what: "Backup service enabled or disabled by an admin" },
  nfc_enabled: { id: 210045, api: 36, what: "NFC enabled" },
  nfc_disabled: { id: 210046, api: 36, what: "NFC disabled" },
};

/** Names seen in exports for the same tag (MVT's test export writes "key_imported"). */
export const TAG_ALIASES: Record<string, string> = { key_imported: "key_import" };

/** Keys of a security_event that are not its tag. */
export const SECURITY_EVENT_METADATA = new Set(["event_id", "event_time", "event_type", "timestamp", "log_level", "level"]);

export function securityTag(event: Record<string, unknown>): string | null {
  for (const k of Object.keys(event)) if (!SECURITY_EVENT_METADATA.has(k)) return k;
  return null;
}

export function knownTag(tag: string): SecurityTag | undefined {
  return SECURITY_TAGS[TAG_ALIASES[tag] ?? tag];
}
