"""The code's copy of the data manifest: every file the curriculum uses, with hash, source and licence.

A dead URL is the most common complaint about course repositories; this table is the one place
where a mirror is added. Hashes are of the exact files the loaders read (see the mirror's MANIFEST.tsv).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str  # relative to the data cache folder
    sha256: str | None  # None only for files we cannot hash in advance (see `md5`)
    url: str | None  # direct download of exactly this file; None when it must be derived
    citation: str
    licence: str
    rows: int | None = None
    md5: str | None = None  # for the official CIFAR-10 archive, whose publisher gives only md5
    archive_member: str | None = None  # `url` is a zip; this member is the file
    official_url: str | None = None  # where the data originally comes from, when `url` is not it
    how_to_get: str = ""  # extra instructions when the file cannot simply be downloaded


_TITANIC = "Kaggle, 'Titanic - Machine Learning from Disaster' (2012), train.csv"
_WINE = (
    "P. Cortez, A. Cerdeira, F. Almeida, T. Matos, J. Reis (2009). Modeling wine preferences by data "
    "mining from physicochemical properties. Decision Support Systems 47(4):547-553. UCI id 186"
)
_WINE_ZIP = "https://archive.ics.uci.edu/static/public/186/wine+quality.zip"
_SST2 = "Wang et al. (2019) GLUE, ICLR; Socher et al. (2013) Stanford Sentiment Treebank, EMNLP"
_SST2_URL = "https://raw.githubusercontent.com/eyalbd2/Reproducing-AutoPrompt/53e9e221b58e5ed882a56c9d8be838b895351165/glue_data/SST-2/"
_IMDB = "A. Maas et al. (2011) Learning Word Vectors for Sentiment Analysis, ACL"
_IMDB_HOW = (
    "This CSV is derived from the official aclImdb_v1.tar.gz (one row per review file; columns review, "
    "sentiment, rating, file). Build it with `python -m week11_lstm_imdb.data build-imdb-csv` from the "
    "official archive, or copy it from the course data mirror."
)
_AG = "X. Zhang, J. Zhao, Y. LeCun (2015) Character-level Convolutional Networks for Text Classification, NIPS"
_AG_URL = "https://raw.githubusercontent.com/Shane-Neeley/CharCnn_Keras/03c2f3cce18acc7a73a8aa38f687d4dc00db8f87/data/ag_news_csv/"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "titanic",
            "titanic/train.csv",
            "7d118fef8b6ccf7f81111877bc388536f7b1e498a655e3d649d19aaa010e9f6f",
            "https://raw.githubusercontent.com/sebastianlueders/Titanic-Survivor-Prediction-Model/76fbc3f32a95beb5d7428987f4256f12d7c9ebff/titanic/train.csv",
            _TITANIC,
            "Kaggle competition rules",
            891,
        ),
        Dataset(
            "wine_red",
            "wine_quality/winequality-red.csv",
            "4a402cf041b025d4566d954c3b9ba8635a3a8a01e039005d97d6a710278cf05e",
            _WINE_ZIP,
            _WINE,
            "CC BY 4.0",
            1599,
            archive_member="winequality-red.csv",
        ),
        Dataset(
            "wine_white",
            "wine_quality/winequality-white.csv",
            "76c3f809815c17c07212622f776311faeb31e87610d52c26d87d6e361b169836",
            _WINE_ZIP,
            _WINE,
            "CC BY 4.0",
            4898,
            archive_member="winequality-white.csv",
        ),
        Dataset(
            "mall_customers",
            "mall_customers/Mall_Customers.csv",
            "293887b3a8de822afa42629d01c2679006adcc8269890b19eba1ff8ab4a49075",
            "https://raw.githubusercontent.com/Kedar-K/Customer-Segmentation-Heirarchal-clustering/dd5a18a9fe58bf2737afa60fca544e00ad1b6076/Mall_Customers.csv",
            "Kaggle, 'Mall Customer Segmentation Data' (synthetic teaching data)",
            "not stated by the author",
            200,
        ),
        Dataset(
            "spaceship_titanic",
            "spaceship_titanic/train.csv",
            "17336d553f49ebdf6ecb266d2b5d3746e5dd308445f7c7864141c4f28d2a88d0",
            "https://raw.githubusercontent.com/picklejuicedev/kedro-spaceship-titanic/4324f38bbf4f1802d06fbdc14cd0a4d191007258/data/01_raw/train.csv",
            "Kaggle, 'Spaceship Titanic' competition (2022), train.csv (synthetic)",
            "Kaggle competition rules",
            8693,
        ),
        Dataset(
            "melanoma_metadata",
            "melanoma/ISIC_2020_Training_GroundTruth.csv",
            "4461ae621981f6ece22d9861de60654f2db89f0ac7333bd67b0bc8f3250cf165",
            "https://isic-challenge-data.s3.amazonaws.com/2020/ISIC_2020_Training_GroundTruth.csv",
            "V. Rotemberg et al. (2021) A patient-centric dataset of images and metadata for identifying "
            "melanomas using clinical context. Scientific Data 8:34",
            "CC BY-NC 4.0 (non-commercial)",
            33126,
        ),
        Dataset(
            "california_housing",
            "scikit_learn_data/cal_housing_py3.pkz",
            "740b911884b5405599c461cf5c9a620aad36c63a0d32494567de2ebee803a42f",
            None,
            "R. K. Pace, R. Barry (1997) Sparse spatial autoregressions. Statistics & Probability Letters 33:291-297",
            "public domain (StatLib)",
            20640,
            official_url="https://ndownloader.figshare.com/files/5976036",
            how_to_get="scikit-learn downloads and caches it itself: see week05_house_prices.data.load_california().",
        ),
        Dataset(
            "cifar10_jpeg",
            "cifar10/cifar10-jpeg.tar.gz",
            "4bbb247519ec113024735c0bd3116aacc044fbd2a8fe2c96a0428fca47bc12ec",
            None,
            "A. Krizhevsky (2009) Learning Multiple Layers of Features from Tiny Images (JPEG copy)",
            "free for research (as the official release)",
            60000,
            official_url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            how_to_get="This JPEG copy is an accepted alternative to `cifar10_python`, which is downloaded instead.",
        ),
        Dataset(
            "cifar10_python",
            "cifar10/cifar-10-python.tar.gz",
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",  # as pinned by Keras' cifar10 loader
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            "A. Krizhevsky (2009) Learning Multiple Layers of Features from Tiny Images",
            "free for research",
            60000,
            md5="c58f30108f718f92721af3b95e74349a",
        ),
        Dataset(
            "sst2_train",
            "sst2/train.tsv",
            "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1",
            _SST2_URL + "train_full.tsv",
            _SST2,
            "research use (Stanford); licence not stated in GLUE's files",
            67349,
        ),
        Dataset(
            "sst2_dev",
            "sst2/dev.tsv",
            "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0",
            _SST2_URL + "dev.tsv",
            _SST2,
            "research use (Stanford); licence not stated in GLUE's files",
            872,
        ),
        Dataset(
            "imdb_train",
            "imdb/aclImdb_train.csv.gz",
            "9e58b27ffcafb4428bddd167187149e4244f932248d8813ec6a8b5fc77065967",
            None,
            _IMDB,
            "no explicit licence; cite Maas et al. 2011",
            25000,
            official_url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            how_to_get=_IMDB_HOW,
        ),
        Dataset(
            "imdb_test",
            "imdb/aclImdb_test.csv.gz",
            "5444b58074c227085829329ff7c82053fc42f76e5987e7502ea3b9250b29b53d",
            None,
            _IMDB,
            "no explicit licence; cite Maas et al. 2011",
            25000,
            official_url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            how_to_get=_IMDB_HOW,
        ),
        Dataset(
            "ag_news_test",
            "ag_news/test.csv",
            "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
            _AG_URL + "test.csv",
            _AG,
            "non-commercial research use",
            7600,
        ),
        Dataset(
            "ag_news_classes",
            "ag_news/classes.txt",
            "612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5",
            _AG_URL + "classes.txt",
            _AG,
            "non-commercial research use",
            4,
        ),
        Dataset(
            "ag_news_readme",
            "ag_news/readme.txt",
            "779c2e6bbf93dd810d9c7b318006daef7a4bfc34062002461d251dc10fb9f58c",
            _AG_URL + "readme.txt",
            _AG,
            "non-commercial research use",
        ),
        Dataset(
            "bbc_news",
            "bbc_news/bbc-fulltext.csv.gz",
            "271acd5f63727dc9654151b6c01a089db61ec3fadc7d99576d6343c36e876d7e",
            None,
            "D. Greene, P. Cunningham (2006) Practical Solutions to the Problem of Diagonal Dominance in "
            "Kernel Document Clustering, ICML",
            "BBC copyright; research use only",
            2225,
            official_url="http://mlg.ucd.ie/files/datasets/bbc-fulltext.zip",
            how_to_get=(
                "This CSV is derived from the official bbc-fulltext.zip (one row per article); "
                "copy it from the course data mirror."
            ),
        ),
    ]
}

# CIFAR-10 is accepted in either form; the official archive is canonical for users with internet.
CIFAR10_FORMS = ("cifar10_python", "cifar10_jpeg")
