// Every module that imports SotaBasics also sees the Foundation-free primitives (paths, JSON, durations) it builds on.
@_exported import SotaPrimitives
