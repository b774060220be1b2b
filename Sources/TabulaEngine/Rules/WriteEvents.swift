/// Something a write did that a package may tell the world of (the time-tracking package turns
/// these into webhook events): a timer started or stopped, an edit request approved.
public enum WriteEvent: Sendable, Hashable {
    case timerStarted(TimerInterval)
    /// Closed by its person, by a switch, or at a Pomodoro's deadline.
    case timerStopped(TimerInterval)
    /// The request after its change was applied.
    case editApproved(EditRequest)
}

/// Code a package runs, inside the transaction, for each `WriteEvent` of a write; what it
/// writes (an outbox event) commits or rolls back with the write.
public struct WriteEventHook {
    public var name: String
    public var run: (WriteTransaction, WriteEvent) throws -> Void

    public init(name: String, run: @escaping (WriteTransaction, WriteEvent) throws -> Void) { self.name = name; self.run = run }
}

extension Base {
    /// Attaches a hook told of every later `WriteEvent` of this `Base`.
    public func addHook(onEvent hook: WriteEventHook) {
        attachments.eventHooks.removeAll { $0.name == hook.name }
        attachments.eventHooks.append(hook)
    }
}

extension WriteTransaction {
    /// Tells the attached hooks of an event of this transaction.
    func tell(_ event: WriteEvent) throws {
        for hook in base.attachments.eventHooks { try hook.run(self, event) }
    }
}
