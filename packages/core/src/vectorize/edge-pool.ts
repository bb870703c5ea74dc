// Boundary edges of the components a mask vectorizer has open, in one pool of typed arrays:
// each edge is a directed axis-aligned segment (x0, y0) -> (x1, y1) with its component on the
// right (y down), and each component owns a linked list of edges (head, tail), so joining two
// components is O(1). Edges of a finished component go back to a free list: the pool holds
// the edges of open components only. @internal

const NONE = -1;

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** @internal */
export class EdgePool {
  x0: Int32Array = new Int32Array(1024);
  y0: Int32Array = new Int32Array(1024);
  x1: Int32Array = new Int32Array(1024);
  y1: Int32Array = new Int32Array(1024);
  next: Int32Array = new Int32Array(1024);
  private size = 0;
  private free = NONE;

  /** A new edge (not yet in a list). */
  add(x0: number, y0: number, x1: number, y1: number): number {
    let e = this.free;
    if (e !== NONE) {
      this.free = this.next[e]!;
    } else {
      e = this.size++;
      if (e >= this.x0.length) {
        const n = e + 1;
        this.x0 = grow(this.x0, n);
        this.y0 = grow(this.y0, n);
        this.x1 = grow(this.x1, n);
        this.y1 = grow(this.y1, n);
        this.next = grow(this.next, n);
      }
    }
    this.x0[e] = x0;
    this.y0[e] = y0;
    this.x1[e] = x1;
    this.y1[e] = y1;
    this.next[e] = NONE;
    return e;
  }

  /** Returns the edges of a list (head..tail) to the free list. */
  release(head: number, tail: number): void {
    if (head === NONE) return;
    this.next[tail] = this.free;
    this.free = head;
  }
}

/** Per component: its edge list. Grown with the component ids. @internal */
export class EdgeLists {
  head = new Int32Array(256).fill(NONE);
  tail = new Int32Array(256).fill(NONE);
  count = new Int32Array(256);

  ensure(n: number): void {
    if (n <= this.head.length) return;
    const size = Math.max(n, this.head.length * 2);
    const head = new Int32Array(size).fill(NONE);
    const tail = new Int32Array(size).fill(NONE);
    const count = new Int32Array(size);
    head.set(this.head);
    tail.set(this.tail);
    count.set(this.count);
    this.head = head;
    this.tail = tail;
    this.count = count;
  }

  /** Appends edge `e` to component `c`'s list. */
  push(pool: EdgePool, c: number, e: number): void {
    const t = this.tail[c]!;
    if (t === NONE) this.head[c] = e;
    else pool.next[t] = e;
    this.tail[c] = e;
    this.count[c]!++;
  }

  /** Moves the list of `from` to the end of `into`'s. */
  join(pool: EdgePool, into: number, from: number): void {
    const h = this.head[from]!;
    if (h === NONE) return;
    const t = this.tail[into]!;
    if (t === NONE) this.head[into] = h;
    else pool.next[t] = h;
    this.tail[into] = this.tail[from]!;
    this.count[into]! += this.count[from]!;
    this.head[from] = NONE;
    this.tail[from] = NONE;
    this.count[from] = 0;
  }
}
