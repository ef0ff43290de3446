namespace VmxLayers.Smt;

/// <summary>The sorts of symbolic terms. The last three are C#-side records of several SMT terms, never printed.</summary>
public enum Sort : byte { Bool, Int, Val, Row, Area, BoolRow, Regs, Vmcs, Mem }

/// <summary>How a node prints: a declared constant, a literal, a function application, or a C#-only record.</summary>
public enum Op : byte { Const, Lit, App, Record }

/// <summary>A hash-consed term node. Children are created first, so ids are a topological order.</summary>
public sealed class Node
{
    internal Node(int id, Sort sort, Op op, string name, long num, Node[] args)
    {
        Id = id; Sort = sort; Op = op; Name = name; Num = num; Args = args;
    }

    public int Id { get; }
    public Sort Sort { get; }
    public Op Op { get; }
    /// <summary>Constant name or function symbol (App); empty for literals and records.</summary>
    public string Name { get; }
    /// <summary>The literal's value (Bool: 0/1; Int).</summary>
    public long Num { get; }
    public Node[] Args { get; }

    public bool IsLit => Op == Op.Lit;
    public bool IsApp(string f) => Op == Op.App && Name == f;
    public override string ToString() => SmtPrinter.Inline(this);
}
