package sandbox

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// exprCtx resolves #names and :values and records which were used.
type exprCtx struct {
	names     map[string]string
	values    map[string]ddbValue
	usedNames map[string]bool
	usedVals  map[string]bool
	what      string // "ConditionExpression", … for messages
}

func newExprCtx(names map[string]string, vals map[string]ddbtypes.AttributeValue) (*exprCtx, error) {
	c := &exprCtx{names: names, values: map[string]ddbValue{}, usedNames: map[string]bool{}, usedVals: map[string]bool{}}
	for k, v := range vals {
		if !strings.HasPrefix(k, ":") {
			return nil, ddbValidation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k)
		}
		x, err := toDDB(v)
		if err != nil {
			return nil, ddbValidation("ExpressionAttributeValues contains invalid value: %s for key %s", strings.TrimPrefix(err.Error(), "ValidationException: "), k)
		}
		c.values[k] = x
	}
	for k := range names {
		if !strings.HasPrefix(k, "#") {
			return nil, ddbValidation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k)
		}
	}
	return c, nil
}

// finish reports unused names and values, as DynamoDB does.
func (c *exprCtx) finish() error {
	var un, uv []string
	for k := range c.names {
		if !c.usedNames[k] {
			un = append(un, k)
		}
	}
	for k := range c.values {
		if !c.usedVals[k] {
			uv = append(uv, k)
		}
	}
	sort.Strings(un)
	sort.Strings(uv)
	if len(un) > 0 {
		return ddbValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(un, ", "))
	}
	if len(uv) > 0 {
		return ddbValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(uv, ", "))
	}
	return nil
}

// ddbReserved are common words of DynamoDB's reserved list (the full list
// is longer): they must be written as #names.
var ddbReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ABORT ACTION ADD AFTER ALL ALTER AND ANY AS ASC AT ATTRIBUTE AUTHORIZATION AVG BEFORE BEGIN BETWEEN BINARY BOOLEAN
		BOTH BY CALL CASCADE CASE CAST CHAR CHARACTER CHECK CLOSE COLLECTION COLUMN COLUMNS COMMENT COMMIT CONDITION CONNECT CONNECTION
		COUNT CREATE CROSS CURRENT CURSOR CYCLE DATA DATABASE DATE DAY DEC DECIMAL DECLARE DEFAULT DELETE DESC DESCRIBE DOMAIN DOUBLE
		DROP EACH ELEMENT ELSE END ESCAPE EXCEPT EXEC EXECUTE EXISTS EXIT FALSE FETCH FILTER FIRST FLOAT FOR FOREIGN FROM FULL FUNCTION
		GENERAL GET GLOBAL GO GOTO GRANT GROUP HASH HAVING HOUR IF IGNORE IN INDEX INNER INPUT INSERT INT INTEGER INTO IS ITEM ITEMS
		JOIN KEY KEYS LANGUAGE LAST LEFT LEVEL LIKE LIMIT LIST LOCAL LOCATION LOCK LONG LOOP MAP MATCH MAX MEMBER MERGE MIN MINUTE
		MODE MONTH NAME NAMES NEXT NO NOT NULL NUMBER OBJECT OF OFFSET ON ONLY OPEN OPTION OR ORDER OUTER OUTPUT OWNER PARTITION PATH
		PERCENT PRIMARY PRIOR PRIVATE PUBLIC RANGE READ REAL REFERENCE REGION RELATIVE RENAME REPLACE RESULT RETURN RETURNING RIGHT ROLE
		ROLLBACK ROW ROWS SCHEMA SECOND SECTION SELECT SESSION SET SHARD SIZE SOME SOURCE SPACE START STATE STATUS STRING SUM SYSTEM
		TABLE TEMPORARY TEXT THEN TIME TIMESTAMP TO TOP TRANSACTION TRIGGER TRUE TTL TYPE UNDO UNION UNIQUE UNIT UNKNOWN UPDATE UPPER
		URL USAGE USE USER USERS USING UUID VALUE VALUES VARCHAR VIEW WHEN WHERE WHILE WITH WITHIN WORK WRITE YEAR ZONE`) {
		ddbReserved[w] = true
	}
}

type pathStep struct {
	name  string
	index int // -1 for a name step
}

type operand struct {
	path  []pathStep
	value *ddbValue
	size  bool // size(path)
}

type ddbExpr struct {
	op   string // AND OR NOT CMP BETWEEN IN FN
	cmp  string
	kids []*ddbExpr
	args []operand
	fn   string
}

type exprLexer struct {
	s   string
	pos int
	c   *exprCtx
}

func (l *exprLexer) err(format string, args ...any) error {
	return ddbValidation("Invalid %s: %s", l.c.what, fmt.Sprintf(format, args...))
}

func (l *exprLexer) skip() {
	for l.pos < len(l.s) && strings.ContainsRune(" \t\r\n", rune(l.s[l.pos])) {
		l.pos++
	}
}

func (l *exprLexer) peekWord() string {
	l.skip()
	i := l.pos
	for i < len(l.s) && (ddbIdentChar(l.s[i])) {
		i++
	}
	return l.s[l.pos:i]
}

func ddbIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (l *exprLexer) accept(tok string) bool {
	l.skip()
	if strings.HasPrefix(l.s[l.pos:], tok) {
		if ddbIdentChar(tok[0]) && l.pos+len(tok) < len(l.s) && ddbIdentChar(l.s[l.pos+len(tok)]) {
			return false
		}
		l.pos += len(tok)
		return true
	}
	return false
}

func (l *exprLexer) keyword(kw string) bool {
	w := l.peekWord()
	if strings.EqualFold(w, kw) {
		l.pos += len(w)
		return true
	}
	return false
}

func parseDDBExpr(s string, c *exprCtx) (*ddbExpr, error) {
	l := &exprLexer{s: s, c: c}
	if strings.TrimSpace(s) == "" {
		return nil, ddbValidation("Invalid %s: The expression can not be empty;", c.what)
	}
	e, err := l.or()
	if err != nil {
		return nil, err
	}
	l.skip()
	if l.pos < len(l.s) {
		return nil, l.err("Syntax error; token: \"%s\", near: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+8)], l.s[max(0, l.pos-8):l.pos])
	}
	return e, nil
}

func (l *exprLexer) or() (*ddbExpr, error) {
	e, err := l.and()
	if err != nil {
		return nil, err
	}
	for l.keyword("OR") {
		r, err := l.and()
		if err != nil {
			return nil, err
		}
		e = &ddbExpr{op: "OR", kids: []*ddbExpr{e, r}}
	}
	return e, nil
}

func (l *exprLexer) and() (*ddbExpr, error) {
	e, err := l.not()
	if err != nil {
		return nil, err
	}
	for l.keyword("AND") {
		r, err := l.not()
		if err != nil {
			return nil, err
		}
		e = &ddbExpr{op: "AND", kids: []*ddbExpr{e, r}}
	}
	return e, nil
}

func (l *exprLexer) not() (*ddbExpr, error) {
	if l.keyword("NOT") {
		e, err := l.not()
		if err != nil {
			return nil, err
		}
		return &ddbExpr{op: "NOT", kids: []*ddbExpr{e}}, nil
	}
	return l.primary()
}

var ddbFuncs = map[string]int{"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2}

func (l *exprLexer) primary() (*ddbExpr, error) {
	if l.accept("(") {
		e, err := l.or()
		if err != nil {
			return nil, err
		}
		if !l.accept(")") {
			return nil, l.err("Syntax error; missing ')'")
		}
		return e, nil
	}
	w := l.peekWord()
	if n, ok := ddbFuncs[w]; ok {
		save := l.pos
		l.pos += len(w)
		if l.accept("(") {
			var args []operand
			for i := 0; i < n; i++ {
				if i > 0 && !l.accept(",") {
					return nil, l.err("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", w, i)
				}
				a, err := l.operand()
				if err != nil {
					return nil, err
				}
				args = append(args, a)
			}
			if !l.accept(")") {
				return nil, l.err("Incorrect number of operands for operator or function; operator or function: %s", w)
			}
			if args[0].path == nil {
				return nil, l.err("Operator or function requires a document path; operator or function: %s", w)
			}
			return &ddbExpr{op: "FN", fn: w, args: args}, nil
		}
		l.pos = save
	}
	left, err := l.operand()
	if err != nil {
		return nil, err
	}
	if l.keyword("BETWEEN") {
		lo, err := l.operand()
		if err != nil {
			return nil, err
		}
		if !l.keyword("AND") {
			return nil, l.err("Syntax error; BETWEEN needs AND")
		}
		hi, err := l.operand()
		if err != nil {
			return nil, err
		}
		return &ddbExpr{op: "BETWEEN", args: []operand{left, lo, hi}}, nil
	}
	if l.keyword("IN") {
		if !l.accept("(") {
			return nil, l.err("Syntax error; IN needs a list")
		}
		args := []operand{left}
		for {
			a, err := l.operand()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if l.accept(")") {
				break
			}
			if !l.accept(",") {
				return nil, l.err("Syntax error in IN list")
			}
		}
		return &ddbExpr{op: "IN", args: args}, nil
	}
	for _, op := range []string{"<>", "<=", ">=", "=", "<", ">"} {
		if l.accept(op) {
			right, err := l.operand()
			if err != nil {
				return nil, err
			}
			return &ddbExpr{op: "CMP", cmp: op, args: []operand{left, right}}, nil
		}
	}
	return nil, l.err("Syntax error; a condition needs a comparator, BETWEEN, IN or a function")
}

func (l *exprLexer) operand() (operand, error) {
	l.skip()
	if l.pos >= len(l.s) {
		return operand{}, l.err("Syntax error; unexpected end of expression")
	}
	if l.s[l.pos] == ':' {
		i := l.pos + 1
		for i < len(l.s) && ddbIdentChar(l.s[i]) {
			i++
		}
		name := l.s[l.pos:i]
		l.pos = i
		v, ok := l.c.values[name]
		if !ok {
			return operand{}, l.err("An expression attribute value used in expression is not defined; attribute value: %s", name)
		}
		l.c.usedVals[name] = true
		return operand{value: &v}, nil
	}
	if w := l.peekWord(); w == "size" {
		save := l.pos
		l.pos += len(w)
		if l.accept("(") {
			p, err := l.path()
			if err != nil {
				return operand{}, err
			}
			if !l.accept(")") {
				return operand{}, l.err("Syntax error; size needs ')'")
			}
			return operand{path: p, size: true}, nil
		}
		l.pos = save
	}
	p, err := l.path()
	return operand{path: p}, err
}

func (l *exprLexer) path() ([]pathStep, error) {
	var steps []pathStep
	for {
		l.skip()
		if l.pos >= len(l.s) {
			return nil, l.err("Syntax error; unexpected end of expression")
		}
		var name string
		if l.s[l.pos] == '#' {
			i := l.pos + 1
			for i < len(l.s) && ddbIdentChar(l.s[i]) {
				i++
			}
			alias := l.s[l.pos:i]
			l.pos = i
			n, ok := l.c.names[alias]
			if !ok {
				return nil, l.err("An expression attribute name used in the document path is not defined; attribute name: %s", alias)
			}
			l.c.usedNames[alias] = true
			name = n
		} else {
			i := l.pos
			for i < len(l.s) && ddbIdentChar(l.s[i]) {
				i++
			}
			name = l.s[l.pos:i]
			if name == "" {
				return nil, l.err("Syntax error; token: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+1)])
			}
			if name[0] >= '0' && name[0] <= '9' {
				return nil, l.err("Syntax error; token: \"%s\"", name)
			}
			if ddbReserved[strings.ToUpper(name)] {
				return nil, l.err("Attribute name is a reserved keyword; reserved keyword: %s", name)
			}
			l.pos = i
		}
		steps = append(steps, pathStep{name: name, index: -1})
		for l.pos < len(l.s) && l.s[l.pos] == '[' {
			end := strings.IndexByte(l.s[l.pos:], ']')
			if end < 0 {
				return nil, l.err("Syntax error; missing ']'")
			}
			n, err := strconv.Atoi(l.s[l.pos+1 : l.pos+end])
			if err != nil || n < 0 {
				return nil, l.err("Syntax error; invalid list index")
			}
			steps = append(steps, pathStep{index: n})
			l.pos += end + 1
		}
		if l.pos < len(l.s) && l.s[l.pos] == '.' {
			l.pos++
			continue
		}
		return steps, nil
	}
}
