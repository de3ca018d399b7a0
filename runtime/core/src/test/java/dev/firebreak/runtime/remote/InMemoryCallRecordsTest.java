package dev.firebreak.runtime.remote;

class InMemoryCallRecordsTest extends CallRecordsContract {
  @Override
  protected CallRecords open() {
    return CallRecords.inMemory();
  }
}
