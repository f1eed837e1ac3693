/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createRunner } from './runner';

/** Lets the worker's event loop turn: messages in, and a sign of life out. */
const turn = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });

Comlink.expose(createRunner({ now: () => performance.now(), turn }));
