import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../../scripts/lib/cli-progress';

function display(isTTY: boolean) {
  const written: string[] = [];
  let now = 0;
  const progress = new ProgressDisplay({ isTTY, columns: 120, write: (t) => written.push(t) }, () => now);
  const advance = (ms: number): void => {
    now += ms;
  };
  return { progress, written, advance };
}

describe('the progress of a local run', () => {
  it('on a terminal, redraws one line: a bar while uploading, then what was delivered, and clears it at the end', () => {
    const { progress, written } = display(true);
    progress.update({ stage: 'upload', bytes: 4_194_304, totalBytes: 16_777_216 });
    progress.noteRowsRead(100_000);
    progress.update({ stage: 'processing', elapsedMs: 3_400, messagesQueued: 1 });
    progress.finish();
    expect(written).toEqual([
      '\r\x1b[2Kuploading [######------------------] 25% of 16.0 MB',
      '\r\x1b[2Kprocessing: 3 s, 100,000 rows read, 1 message delivered to the recipients so far',
      '\r\x1b[2K',
    ]);
  });

  it('elsewhere, writes plain lines: each stage at once, then at most one every two seconds', () => {
    const { progress, written, advance } = display(false);
    progress.update({ stage: 'upload', bytes: 10, totalBytes: 10 });
    progress.update({ stage: 'processing', elapsedMs: 0, messagesQueued: 0 });
    advance(500);
    progress.update({ stage: 'processing', elapsedMs: 500, messagesQueued: 0 });
    advance(1_600);
    progress.update({ stage: 'processing', elapsedMs: 2_100, messagesQueued: 12 });
    progress.update({ stage: 'receiving', recipient: 'VDAB', records: 1 });
    progress.finish();
    expect(written).toEqual([
      'uploading [########################] 100% of 0.0 MB\n',
      'processing: 0 s, 0 messages delivered to the recipients so far\n',
      'processing: 2 s, 12 messages delivered to the recipients so far\n',
      'reading what VDAB received: 1 record\n',
    ]);
  });

  it('elsewhere, never leaves a stage at its first figure: the last one held back is written before the next stage and at the end', () => {
    const { progress, written, advance } = display(false);
    progress.update({ stage: 'receiving', recipient: 'VDAB', records: 96 });
    advance(300);
    progress.update({ stage: 'receiving', recipient: 'VDAB', records: 856 });
    progress.update({ stage: 'receiving', recipient: 'ACTIRIS', records: 40 });
    advance(300);
    progress.update({ stage: 'receiving', recipient: 'ACTIRIS', records: 86_305 });
    progress.finish();
    expect(written).toEqual([
      'reading what VDAB received: 96 records\n',
      'reading what VDAB received: 856 records\n',
      'reading what ACTIRIS received: 40 records\n',
      'reading what ACTIRIS received: 86,305 records\n',
    ]);
  });
});
