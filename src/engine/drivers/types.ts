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
  /**
   * The driver's eh_timed_out: 'reset-timer' re-arms the timer (SCSI_EH_RESET_TIMER) for
   * devices in the scopes listed; the others get SCSI_EH_NOT_HANDLED.
   */
  resetTimerIn?: Scope[];
  /** A transport eh_strategy_handler (libsas) replaces scsi_unjam_host. */
  strategy?: 'libsas';
  /** skip_settle_delay in the host template */
  skipSettleDelay?: boolean;
  /** The LUN reset handler reports FAILED while the device still holds a command (mpt3sas). */
  lunResetFailsWhileBusy?: boolean;
  /** Facts worth showing in the page's explanation. */
  notes: string[];
}
