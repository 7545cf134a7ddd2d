//! Independent pieces of work spread over the machine's cores.

/// The stack of each helper thread: a main thread's (8 MiB on Linux), not
/// a spawned thread's 2 MiB, so work that recurses as deep as its input
/// (a printer, a parser) does not fail on one thread and pass on another.
const STACK: usize = 8 << 20;

fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn_scoped(scope, work)
        .expect("a thread")
}

/// `work` of each item, in the items' order. Each thread, the calling one
/// included, takes the next item when it is done with one, so items of very
/// different sizes, or a core slower than the other, still keep every core
/// busy to the end. The calling thread works too: the pages it freed
/// earlier are its own to reuse, where a new thread maps fresh ones.
pub fn map<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len())
        .max(1);
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let worker = || {
        std::iter::from_fn(next)
            .map(|(i, item)| (i, work(item)))
            .collect::<Vec<_>>()
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| spawn(scope, worker)).collect();
        let mut done = worker();
        for helper in helpers {
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `beside` on another thread while `here` runs on this one, and both
/// results. A panic in either is this thread's panic.
pub fn join<A: Send, B>(beside: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let beside = spawn(scope, beside);
        let here = here();
        let beside = beside
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (beside, here)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_items_order_whatever_the_spread() {
        let items: Vec<u64> = (0..200).collect();
        let squares = super::map(items, |i| {
            // Uneven work, so threads finish items out of order.
            std::thread::sleep(std::time::Duration::from_micros((i * 7919) % 300));
            i * i
        });
        assert_eq!(squares, (0..200).map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(Vec::<u8>::new(), |i| i).is_empty());
    }

    #[test]
    fn join_runs_one_side_on_another_thread_and_returns_both() {
        let here = std::thread::current().id();
        let (beside, mine) = super::join(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_ne!(beside, here);
        assert_eq!(mine, here);
    }
}
