/** A work list's title with its refresh button (lists come from visibility, a moment behind) and the load error. */
export function ListHeading({ title, error, onRefresh }: { title: string; error: string; onRefresh: () => void }) {
  return (
    <>
      <h2>
        {title}{' '}
        <button className="secondary" onClick={onRefresh}>
          刷新
        </button>
      </h2>
      {error && <p className="error">{error}</p>}
    </>
  );
}
