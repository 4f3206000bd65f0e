package cli

func auditCommands() []command {
	return []command{{usage: "audit [--from SEQ] [--limit N]   (default: the last 50 records)", flags: "from= limit=",
		book: true, run: auditList}}
}

// auditList lists the audit trail from --from on, else its last --limit records.
func auditList(c *call) error {
	limit, from := 50, 0
	for _, err := range []error{
		setFrom(c, "limit", parseCount("limit"), &limit),
		setFrom(c, "from", parseCount("from"), &from),
	} {
		if err != nil {
			return err
		}
	}
	if !c.has("from") {
		head, _, err := c.book.ChainHead(c.ctx)
		if err != nil {
			return err
		}
		from = max(int(head)-limit+1, 1)
	}
	recs, err := c.book.AuditTrail(c.ctx, c.user, int64(from), limit)
	if err != nil {
		return err
	}
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = []any{r.Seq, r.At, r.User, r.Action, r.Entity, r.EntityID, r.Reason}
	}
	return c.list([]col{{key: "seq"}, {key: "time"}, {key: "user"}, {key: "action"}, {key: "entity"}, {key: "id"},
		{key: "reason"}}, rows)
}
