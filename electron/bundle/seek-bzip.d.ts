// seek-bzip ships no types. Only the call used here: decode(input, output, multistream),
// where output may be an object with writeByte(byte).
declare module 'seek-bzip' {
  interface ByteSink {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: Buffer, output?: Buffer | ByteSink, multistream?: boolean): Buffer;
  };
  export default Bunzip;
}
