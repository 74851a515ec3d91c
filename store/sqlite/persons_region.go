package sqlite

import "context"

// PersonIDsInRegion returns up to limit IDs greater than after of the
// persons whose region starts with regionPrefix, in order; limit <= 0
// means no limit. It walks the IDs in order and tests the region inside
// SQLite, one query per page.
func (s *Store) PersonIDsInRegion(ctx context.Context, regionPrefix, after string, limit int) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM persons WHERE id > ?1
		AND substr(json_extract(data, '$.region'), 1, length(?2)) = ?2 ORDER BY id LIMIT ?3`,
		after, regionPrefix, limitArg(limit))
	if err != nil {
		return nil, wrap(err, "person ids in region %s", regionPrefix)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(err, "person ids in region %s", regionPrefix)
		}
		ids = append(ids, id)
	}
	return ids, wrap(rows.Err(), "person ids in region %s", regionPrefix)
}
