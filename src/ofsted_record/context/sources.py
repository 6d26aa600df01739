"""The input files this area reads, relative to the shared data folder."""

from __future__ import annotations

from pathlib import Path

from ofsted_record.config import shared_path

EES = ("context", "ees")
CIN = (*EES, "b1_children_in_need_2013_to_2025.csv")
REFERRALS = (*EES, "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
CPP_SUBSEQUENT = (*EES, "d3_cpps_subsequent_plan_2013_to_2025.csv")
CPP_AT31 = (*EES, "d5_cpps_at31march_by_duration_2013_to_2025.csv")
CLA_NEW = (*EES, "cla_number_and_rate_per_10k_children.csv")
CLA_OLD = (*EES, "cla_number_and_rate_per_10k_children_2019_2023.csv")
CSWW = (*EES, "csww_indicators_2017_to_2025.csv")
POPULATION = (*EES, "ons_mid-year_population_estimates_2012_to_2024.csv")
SN_2021 = (*EES, "New_Statistical_Neighbour_Groupings_April_2021.csv")
SN_2025 = (*EES, "sn_model_2025_wide.csv")
LAIT_NEW = ("context", "lait", "bds_long_0.parquet")
LAIT_OLD = ("context", "lait", "bds_long_0_2024-11-15.parquet")
RO3 = {
    2023: ("context", "ro3", "RO3_2022-23_data_by_LA.ods"),
    2024: ("context", "ro3", "RO3_2023-24_data_by_LA.ods"),
    2025: ("context", "ro3", "RO3_LA_Data_2024-25_data_by_LA.ods"),
}
IMD = ("context", "imd2019")
IMD_FILE1 = (*IMD, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
IMD_FILE6 = (*IMD, "File_6_-_IoD2019_Population_Denominators.csv.gz")
IMD_FILE10 = (*IMD, "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx")
IMD_FILE11 = (*IMD, "File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx")
DFE_LAS = ("reference", "dfe_las.csv")
GEO_CHANGES = ("geography", "ons_uk_topojson_changes.csv")
LTLA_UTLA = {
    2019: ("geography", "geographr_lookup_ltla19_utla19.csv"),
    2021: ("geography", "geographr_lookup_ltla21_utla21.csv"),
    2023: ("geography", "geographr_lookup_ltla23_utla23.csv"),
}


def path(parts: tuple[str, ...]) -> Path:
    return shared_path(*parts)


def label(parts: tuple[str, ...]) -> str:
    """Source name written into the tables: relative, never absolute."""
    return "/".join(parts)


def required_files() -> list[Path]:
    """Every shared file the context build reads: checked before anything is read or written."""
    single = (
        CIN,
        REFERRALS,
        CPP_SUBSEQUENT,
        CPP_AT31,
        CLA_NEW,
        CLA_OLD,
        CSWW,
        POPULATION,
        SN_2021,
        SN_2025,
        LAIT_NEW,
        LAIT_OLD,
        IMD_FILE1,
        IMD_FILE6,
        IMD_FILE10,
        IMD_FILE11,
        DFE_LAS,
        GEO_CHANGES,
    )
    return [path(p) for p in (*single, *RO3.values(), *LTLA_UTLA.values())]
