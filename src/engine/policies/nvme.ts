// Linux NVMe over PCIe, as drivers/nvme/host/pci.c and core.c (Debian linux-source-6.12)
// do it. The tree maps onto NVMe this way: the host is the controller (one target), each LUN
// a namespace. nvme_timeout() first polls the completion queue (nvme_poll_irqdisable): a
// completion found there (a lost interrupt) ends it; else it sends an Abort on the admin
// queue and re-arms the timer (BLK_EH_RESET_TIMER); when the command times out again, being
// already aborted, nvme_timeout() disables the controller (nvme_dev_disable: every namespace's
// queue quiesced, nvme_cancel_request on what is in flight) and queues nvme_reset_work();
// when it is done, nvme_unquiesce_io_queues() lets every namespace go, and the cancelled
// commands (NVME_SC_HOST_ABORTED_CMD) are retried by nvme_complete_rq() up to
// nvme_max_retries (5). If the reset fails, nvme_remove_dead_ctrl(): every namespace is gone.
// io_timeout is nvme_core's module parameter, 30 s.
import type { Cmd, Dev } from '../model';
import type { Ladder, Sim } from '../sim';
import { addCmd, blockLevel, endCmd, failCmd, type SystemPolicy } from './system';

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

function* nvmeTimeout(sim: Sim, d: Dev, cmd: Cmd): Ladder {
  const h = d.host;
  const poll = 'nvme_timeout -> nvme_poll_irqdisable';
  const id = sim.stepStart('cq-poll', null, d.id, poll);
  sim.stepEnd(id, 'cq-poll', null, d.id, poll, 'skipped', 'no completion for this tag in the CQ');
  if (h.rec) {
    // NVME_CTRL_RESETTING: the reset in progress cancels it
    addCmd(sim, h.rec, cmd, 'nvme_timeout', 'the controller is resetting: nvme_cancel_request');
    return;
  }
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
    if (ok) {
      sim.retryOrFinish(cmd, 'nvme_complete_rq', 'NVME_SC_ABORT_REQ: retried');
      sim.kick(d);
      return;
    }
    // the abort did not end it: the timer fires again, io_timeout after the abort was sent
    const rest = h.timings.cmdTimeout + h.timings.timerSlack - h.timings.tmf;
    if (rest > 0) yield rest;
    sim.cmdEvent(cmd, 'timeout', 'nvme_timeout', 'I/O timeout, already aborted: reset controller');
    if (h.rec) {
      addCmd(sim, h.rec, cmd, 'nvme_timeout', 'the controller is resetting: nvme_cancel_request');
      return;
    }
  }
  sim.escalate(
    'lun',
    'host',
    d.id,
    'nvme_timeout -> nvme_dev_disable',
    'the aborted command timed out again',
  );
  const rec = yield* blockLevel(
    sim,
    { kind: 'host', h },
    'nvme_dev_disable -> nvme_quiesce_io_queues',
    'every namespace of the controller is quiesced, not only the one that failed',
  );
  addCmd(sim, rec, cmd, 'nvme_dev_disable -> nvme_cancel_request', 'NVME_SC_HOST_ABORTED_CMD');
  sim.op('wake-up', 'host', h.id, 'nvme_reset_ctrl -> queue_work(nvme_reset_wq)');
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
  const cmds = [...rec.cmds];
  if (!ok)
    for (const dev of h.devs)
      sim.offline(
        dev,
        'host',
        'nvme_remove_dead_ctrl',
        'the controller did not come back: every namespace is removed',
      );
  for (const c of cmds) {
    if (ok) endCmd(sim, rec, c, 'nvme_complete_rq', 'NVME_SC_HOST_ABORTED_CMD: retried');
    else failCmd(sim, rec, c, 'host', 'nvme_remove_dead_ctrl', 'namespace removed');
  }
  h.rec = null;
  sim.op('unblock-io', 'host', h.id, 'nvme_unquiesce_io_queues');
  sim.setHostState(h, 'running', 'nvme_unquiesce_io_queues');
  for (const dev of h.devs) sim.kick(dev);
  sim.poke();
}
