import type { Scope } from '../stream';

/** What a low-level driver gives the midlayer's error handling, and where that is written. */
export interface DriverProfile {
  name: string;
  title: string;
  /** The source files each fact below comes from (Debian linux-source-6.12, and kernel/ patches). */
  sources: string[];
  /** Which scsi_host_template handlers the driver has; a step it lacks is skipped, as scsi_error.c skips it. */
  handlers: {
    abort: boolean;
    deviceReset: boolean;
    targetReset: boolean;
    busReset: boolean;
    hostReset: boolean;
  };
  /** Scopes the driver offers with the kernel/ series (host is always there). */
  scopes: Scope[];
  /** Scope a new device gets (the driver's eh_scope module parameter default). */
  defaultScope: Scope;
  /** max_scoped_eh_tmfs */
  tmfBound: number;
  /** Time the driver takes for one abort or reset, seconds */
  tmf: number;
  /** Service time of one command, seconds */
  ioLatency: number;
  /** The command timeout the driver sets on its queues, overriding sd's (megaraid_sas: scmd_timeout). */
  cmdTimeout?: number;
  /**
   * The driver's eh_timed_out: it re-arms the timer (SCSI_EH_RESET_TIMER) for devices in the
   * scopes listed, and, with untilAge, only while the command is younger than that many
   * command timeouts; otherwise SCSI_EH_NOT_HANDLED.
   */
  resetTimer?: { scopes: Scope[]; untilAge?: number; fn: string };
  /**
   * The abort handler queues a LUN reset and waits, with no timeout, for the command to
   * complete; it always returns SUCCESS (smartpqi's pqi_eh_abort_handler).
   */
  abortIsLunReset?: boolean;
  /** A transport eh_strategy_handler (libsas) replaces scsi_unjam_host. */
  strategy?: 'libsas';
  /** skip_settle_delay in the host template */
  skipSettleDelay?: boolean;
  /** The LUN reset handler reports FAILED while the device still holds a command (mpt3sas). */
  lunResetFailsWhileBusy?: boolean;
  /** Facts worth showing in the page's explanation. */
  notes: string[];
}
