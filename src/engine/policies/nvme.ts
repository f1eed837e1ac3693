// Linux NVMe over PCIe, as drivers/nvme/host/pci.c and core.c (Debian linux-source-6.12)
// do it. The tree maps onto NVMe this way: the host is the controller (one target), each LUN
// a namespace. nvme_timeout() first polls the completion queue (nvme_poll_irqdisable): a
// completion found there (a lost interrupt) ends it; else it sends an Abort on the admin
// queue and re-arms the timer (BLK_EH_RESET_TIMER); when the command times out again, being
// already aborted (iod->aborted), nvme_timeout() disables the controller: nvme_dev_disable()
// quiesces the I/O queues of every namespace (nvme_quiesce_io_queues) and cancels every
// request in flight on the controller's tag set, whatever its namespace (nvme_cancel_tagset ->
// nvme_cancel_request: NVME_SC_HOST_ABORTED_CMD). Each cancelled request goes through
// nvme_complete_rq() at once: nvme_decide_disposition() retries it (it is not failfast, the
// status has no DNR) while nvme_req(req)->retries < nvme_max_retries (5), and
// nvme_retry_req() counts the retry and requeues it onto the quiesced queue. nvme_reset_work()
// then disables and enables the controller; nvme_unquiesce_io_queues() lets every namespace
// go, and the requeued requests are sent again (nvme_prep_rq clears iod->aborted: a new
// timeout gets a new abort). If the reset fails, nvme_reset_work() marks every namespace dead
// (nvme_mark_namespaces_dead): what is queued for them ends with an error.
//
// A timeout while the controller is RESETTING makes nvme_timeout() return BLK_EH_RESET_TIMER.
// This model cannot meet that case: the disable cancels every command in flight (their
// timers with them) and the quiesced queues send nothing until the reset is over, so no
// command is in flight to time out during a reset.
//
// io_timeout is nvme_core's module parameter, 30 s.
import type { Cmd, Dev, Host } from '../model';
import type { Ladder, Sim } from '../sim';
import { blockLevel, type SystemPolicy } from './system';

/** nvme_reset_work(): disable, enable (CSTS.RDY), queues set up again; this model's length */
export const NVME_RESET_TIME = 1;

export const nvmePolicy: SystemPolicy = {
  name: 'nvme',
  title: 'Linux NVMe (pci.c)',
  sources: ['drivers/nvme/host/pci.c', 'drivers/nvme/host/core.c'],
  timings: { cmdTimeout: 30, retries: 5 },

  onTimeout(sim, cmd) {
    const d = cmd.dev;
    sim.cmdEvent(cmd, 'timeout', 'nvme_timeout', `io_timeout ${d.host.timings.cmdTimeout} s`);
    sim.spawn(nvmeTimeout(sim, d, cmd));
  },
};

/** nvme_complete_rq -> nvme_retry_req: retried (and counted) within nvme_max_retries, else EIO. */
function completeRq(sim: Sim, cmd: Cmd, fn: string, status: string): void {
  // nvme_prep_rq() clears iod->aborted when the request is sent again
  cmd.abortScheduled = false;
  sim.retryOrFinish(cmd, fn, status);
}

function* nvmeTimeout(sim: Sim, d: Dev, cmd: Cmd): Ladder {
  const h = d.host;
  // a controller reset cancels the command under this ladder: its timer is gone with it
  const cancels = cmd.cancels;
  const poll = 'nvme_timeout -> nvme_poll_irqdisable';
  const id = sim.stepStart('cq-poll', null, d.id, poll);
  sim.stepEnd(id, 'cq-poll', null, d.id, poll, 'skipped', 'no completion for this tag in the CQ');
  if (!cmd.abortScheduled) {
    cmd.abortScheduled = true;
    const ok = yield* sim.tmf(
      'abort',
      null,
      d.id,
      'nvme_timeout -> Abort (admin queue) -> abort_endio',
      () => !sim.fire(d.faults, 'abort-fails'),
      'BLK_EH_RESET_TIMER: the command gets another io_timeout',
    );
    if (cmd.cancels !== cancels) return;
    if (ok) {
      completeRq(sim, cmd, 'nvme_complete_rq', 'NVME_SC_ABORT_REQ: retried');
      sim.kick(d);
      return;
    }
    // the abort did not end it: the timer fires again, io_timeout after the abort was sent
    const rest = h.timings.cmdTimeout + h.timings.timerSlack - h.timings.tmf;
    if (rest > 0) yield rest;
    if (cmd.cancels !== cancels) return;
    sim.cmdEvent(cmd, 'timeout', 'nvme_timeout', 'I/O timeout, already aborted: reset controller');
  }
  sim.escalate(
    'lun',
    'host',
    d.id,
    'nvme_timeout -> nvme_dev_disable',
    'the aborted command timed out again',
  );
  yield* resetController(sim, h, cmd);
}

/** nvme_dev_disable(), then nvme_reset_work(): every namespace of the controller waits. */
function* resetController(sim: Sim, h: Host, cmd: Cmd): Ladder {
  yield* blockLevel(
    sim,
    { kind: 'host', h },
    'nvme_dev_disable -> nvme_quiesce_io_queues',
    'every namespace of the controller is quiesced, not only the one that failed',
  );
  sim.op(
    'add-error-cmd',
    'host',
    cmd.dev.id,
    'nvme_timeout',
    'NVME_REQ_CANCELLED: the command that timed out twice disables the controller',
  );
  // nvme_cancel_tagset: every request in flight on the controller, of every namespace; each
  // is requeued at the front of its queue, so the last first keeps their order
  const flying = sim.inFlight(h.devs);
  for (const c of flying) sim.cancel(c);
  for (const c of flying.reverse())
    completeRq(
      sim,
      c,
      'nvme_dev_disable -> nvme_cancel_tagset -> nvme_cancel_request -> nvme_complete_rq',
      'NVME_SC_HOST_ABORTED_CMD: nvme_retry_req, sent again after the reset',
    );
  sim.op('wake-up', 'host', h.id, 'nvme_try_sched_reset -> queue_work(nvme_reset_wq)');
  const rid = sim.stepStart(
    'controller-reset',
    'host',
    h.id,
    'nvme_reset_work',
    'CC.EN 0 then 1, wait for CSTS.RDY, queues set up again',
  );
  yield NVME_RESET_TIME;
  const ok = !sim.fire(h.faults, 'host-reset-fails');
  sim.stepEnd(rid, 'controller-reset', 'host', h.id, 'nvme_reset_work', ok ? 'success' : 'failed');
  if (!ok) {
    const fn = 'nvme_reset_work -> nvme_mark_namespaces_dead';
    for (const dev of h.devs) {
      sim.offline(dev, 'host', fn, 'the controller did not come back: every namespace is dead');
      // the requeued requests and those queued since end with an error
      for (const c of dev.queue.splice(0)) {
        sim.cmdEvent(c, 'eio', fn, 'namespace dead: BLK_STS_IOERR');
        sim.resolve(c, false);
      }
    }
  }
  h.rec = null;
  sim.op('unblock-io', 'host', h.id, 'nvme_unquiesce_io_queues');
  sim.setHostState(h, 'running', 'nvme_unquiesce_io_queues');
  for (const dev of h.devs) sim.kick(dev);
  sim.poke();
}
